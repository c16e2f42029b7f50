"""The app's middle floor: figures, widgets' settings, the session's model and the runtime."""
