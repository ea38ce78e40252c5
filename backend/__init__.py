"""roadlog write side: settings, the composition root, the domain and its commands."""
