"""Custom actions of the consultation assistant, run by the rasa_sdk server."""
