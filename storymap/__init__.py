"""Story maps: a folder of YAML event files in, a static website of interactive maps out.

The pipeline, one folder or module per stage, each handing typed values from
storymap.model to the next (pipeline.py runs them in order):

    source/    read files safely, parse YAML with line marks, check every field, CSV import
    geo/       route files and route lines in EPSG:4326; the 180th meridian; the story model
    render/    pages, page data, downloads, feeds, schemas, Markdown, the asset bundle
    preview/   the story's picture, preview.png
    write.py   the only code that touches the output folder

cli.py is the command line and console.py every line written to a terminal;
desk/ holds the journalist's tools around the build (new, import's templates, serve).
"""
