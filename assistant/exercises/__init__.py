"""Exercise scripts (the data in exercises/, checked on load) and the runner that times them."""
