"""Population screening (``legdx screen``): wide tables scored in chunks with the engine's row-wise posterior."""
