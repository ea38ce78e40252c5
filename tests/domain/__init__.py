"""Domain tests: commands on the in-memory event store, asserting on the emitted events."""
