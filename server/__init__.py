"""Services the pages use that are neither maths nor UI: the training worker pool, the class board."""
