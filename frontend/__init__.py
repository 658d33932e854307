"""What the browser talks to that is not JSON: pages, static assets, websocket consumers."""
