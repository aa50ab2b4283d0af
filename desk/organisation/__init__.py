"""The organisation: agencies, departments, agents and enterprises."""
