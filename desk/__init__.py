"""Service desk: conversations, handoff tickets and the knowledge base."""
