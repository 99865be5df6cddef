"""Pulumi dynamic provider for Qoder Cloud Agents deployments."""
