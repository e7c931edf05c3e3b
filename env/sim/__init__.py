"""The in-process simulator backend (`name = "sim"`): the whole world in memory, in virtual
time. See `SimBackend`."""

from env.sim.backend import SimBackend, dig_seconds, feet_center
from env.sim.path import Walker, path_length
from env.sim.state import SimState, ground_block

__all__ = ["SimBackend", "SimState", "Walker", "dig_seconds", "feet_center", "ground_block",
           "path_length"]
