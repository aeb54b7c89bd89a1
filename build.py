#!/usr/bin/env python3
"""Build the story-map site from stories/ and data/: `python build.py --help` lists the commands."""
from storymap.cli import run

if __name__ == "__main__":
    run()
