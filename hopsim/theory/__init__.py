"""Closed forms to overlay on figures and to test simulations against."""
