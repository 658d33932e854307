"""Project configuration: settings, URL map and the ASGI entry point."""
