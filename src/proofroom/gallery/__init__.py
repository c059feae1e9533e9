"""The online gallery: what a studio publishes for its clients and what they do there."""
