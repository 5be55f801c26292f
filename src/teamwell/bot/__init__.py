"""How Teamwell talks to the world: config, wiring, server, scheduler, storage, platforms, CLI."""
