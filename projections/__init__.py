"""roadlog read side: the projector and one module per read model."""
