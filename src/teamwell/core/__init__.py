"""What the bot knows: pure rules, platform-neutral messages and the ports to the outside."""
