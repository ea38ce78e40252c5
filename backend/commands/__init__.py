"""The commands of the Roadlog application, one mixin per feature, composed in application."""
