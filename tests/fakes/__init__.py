"""Stand-ins for third parties the tests cannot run here (CONVENTIONS.md: mocks only for those)."""
