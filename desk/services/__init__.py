"""Services of the desk: the logic behind the blueprints."""
