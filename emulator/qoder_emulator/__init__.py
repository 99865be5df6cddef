"""A faithful local emulator of the Qoder Cloud Agents API."""
