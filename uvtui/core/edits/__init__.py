"""Add, bump and remove dependencies as reviewed, undoable plans (see plan.py)."""
