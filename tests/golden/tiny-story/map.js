document.documentElement.classList.replace('no-js', 'js');
var map_storymap = L.map(
                "map_storymap",
                {
                    center: [20.0, 0.0],
                    crs: L.CRS.EPSG3857,
                    ...{
  "zoom": 2,
  "zoomControl": true,
  "preferCanvas": true,
  "worldCopyJump": false,
  "zoomSnap": 0.25,
  "fadeAnimation": false,
}

                }
            );

            

        
    
            map_storymap.fitBounds(
                [[42.17354, 40.04], [52.29, 132.375]],
                {"animate": false, "maxZoom": 10, "padding": [24, 24]}
            );
        
    
            var tile_layer_layer_1 = L.tileLayer(
                "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                {
  "minZoom": 0,
  "maxZoom": 19,
  "maxNativeZoom": 19,
  "noWrap": false,
  "attribution": "\u0026copy; \u003ca href=\"https://www.openstreetmap.org/copyright\"\u003eOpenStreetMap\u003c/a\u003e contributors",
  "subdomains": "abc",
  "detectRetina": false,
  "tms": false,
  "opacity": 1,
}

            );
map_storymap.storymapTiles = [tile_layer_layer_1];
