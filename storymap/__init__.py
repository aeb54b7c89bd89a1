"""Story maps: a folder of YAML event files in, a static website of interactive maps out.

The pipeline, one folder or module per stage, each handing typed values from
storymap.model to the next (pipeline.py runs them in order):

    source/    read files safely (files), parse YAML with line marks (yamlio), check every
               field (fields, validate), gather a project's stories and places (load);
               sheets turns a CSV sheet into event files
    geo/       route files and route lines in EPSG:4326 (routefiles, routes), the 180th
               meridian (antimeridian), and resolve: places and routes looked up, events in
               timeline order, one StoryModel per story
    render/    the site's files: pages from the templates (pages, pagedata, markdown), the
               folium map skeleton (map), our bundled script and styles (assets), the
               Content-Security-Policy (policy), addresses and embed code (share), feed and
               oEmbed (feeds), downloads (exports), JSON Schemas (schema), basemaps, and
               the built-in base map from Natural Earth (naturalearth, basefiles)
    preview/   the story's picture, preview.png (picture, geometry)
    write.py   the only code that writes into the output folder

model.py, timeline.py, errors.py, messages.py and i18n.py are shared by every stage.
cli.py is the command line and console.py every line written to a terminal;
desk/ holds the journalist's tools around the build (new: scaffold; serve, servehttp).
"""
