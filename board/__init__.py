"""The board: roadlog's web pages for the weekly roadmap meeting.

Server-rendered (Jinja2) pages that read the read models' queries and run the
Application's commands exactly as the GraphQL API does; htmx 2.0.11 (``static/``,
vendored with its licence) swaps the roadmap table in place.
"""
