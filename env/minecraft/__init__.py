"""The `minecraft` backend: a real Minecraft 1.19.2 server (the embedded flying-squid one,
managed by `env.minecraft.server`, or any vanilla server of that version) driven by mineflayer
bots."""
