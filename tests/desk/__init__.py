"""Tests of the desk web service."""
