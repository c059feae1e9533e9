"""The studio desk: the business records a photography studio runs on."""
