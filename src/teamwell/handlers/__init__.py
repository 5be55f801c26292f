"""What the bot does: one platform-neutral function per intent or scheduled job."""
