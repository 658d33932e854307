"""E-mail to staff about the complaints they may see (docs/architecture.md "Notifications")."""
