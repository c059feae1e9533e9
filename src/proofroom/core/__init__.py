"""Helpers shared by both sides: configuration, sessions, database routing, money."""
