"""Custom Rasa policies of the consultation assistant."""
