"""kfq-kg: a knowledge-graph builder for Chinese policy speeches about development zones."""
__version__ = "0.1.0"
