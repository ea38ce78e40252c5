"""roadlog GraphQL API: strawberry types, queries, mutations and subscriptions on starlette."""
