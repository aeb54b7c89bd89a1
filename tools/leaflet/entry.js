// The part of Leaflet our story pages use, as the global L (built by `make leaflet`, see
// build.mjs). The names below are the only ones the page can reach: our page script
// (storymap/static/js) and the map.js folium writes per story (L.map, L.CRS.EPSG3857,
// L.tileLayer, fitBounds). tests/test_vendor_leaflet.py checks every L.* name our scripts
// use against the keys of the object at the end of this file.
//
// Kept: the map with all its reader-facing handlers (drag, scroll-wheel, double-click,
// touch and box zoom, tap-hold, keyboard), tiles, popups, the zoom, attribution and scale
// controls, and the renderer base class our canvases extend. Left out: markers and icons,
// vector shapes (our own canvases draw everything), GeoJSON, tooltips, image, video and
// SVG overlays, WMS tiles, the layers control, and the other projections.
import {version} from 'leaflet/package.json';

import Browser from 'leaflet/src/core/Browser.js';
import {Class} from 'leaflet/src/core/Class.js';
import {Evented} from 'leaflet/src/core/Events.js';
import {Handler} from 'leaflet/src/core/Handler.js';
import * as Util from 'leaflet/src/core/Util.js';

import * as DomEvent from 'leaflet/src/dom/DomEvent.js';
import * as DomUtil from 'leaflet/src/dom/DomUtil.js';
import {Draggable} from 'leaflet/src/dom/Draggable.js';
import {PosAnimation} from 'leaflet/src/dom/PosAnimation.js';

import {Point, toPoint} from 'leaflet/src/geometry/Point.js';
import {Bounds, toBounds} from 'leaflet/src/geometry/Bounds.js';
import {Transformation, toTransformation} from 'leaflet/src/geometry/Transformation.js';
import {LatLng, toLatLng} from 'leaflet/src/geo/LatLng.js';
import {LatLngBounds, toLatLngBounds} from 'leaflet/src/geo/LatLngBounds.js';
import {CRS} from 'leaflet/src/geo/crs/CRS.js';
import {Earth} from 'leaflet/src/geo/crs/CRS.Earth.js';
import {EPSG3857, EPSG900913} from 'leaflet/src/geo/crs/CRS.EPSG3857.js';

import {Map, createMap} from 'leaflet/src/map/Map.js';
// Each handler module registers itself on Map (Map.addInitHook('addHandler', ...)) when it
// is imported; naming them on Map below also keeps them in the bundle.
import {BoxZoom} from 'leaflet/src/map/handler/Map.BoxZoom.js';
import {DoubleClickZoom} from 'leaflet/src/map/handler/Map.DoubleClickZoom.js';
import {Drag} from 'leaflet/src/map/handler/Map.Drag.js';
import {Keyboard} from 'leaflet/src/map/handler/Map.Keyboard.js';
import {ScrollWheelZoom} from 'leaflet/src/map/handler/Map.ScrollWheelZoom.js';
import {TapHold} from 'leaflet/src/map/handler/Map.TapHold.js';
import {TouchZoom} from 'leaflet/src/map/handler/Map.TouchZoom.js';

import {Control, control} from 'leaflet/src/control/Control.js';
// Zoom and Attribution add themselves to every map through Map.addInitHook, as above.
import {Zoom, zoom} from 'leaflet/src/control/Control.Zoom.js';
import {Attribution, attribution} from 'leaflet/src/control/Control.Attribution.js';
import {Scale, scale} from 'leaflet/src/control/Control.Scale.js';

import {Layer} from 'leaflet/src/layer/Layer.js';
import {DivOverlay} from 'leaflet/src/layer/DivOverlay.js';
import {Popup, popup} from 'leaflet/src/layer/Popup.js';
import {GridLayer, gridLayer} from 'leaflet/src/layer/tile/GridLayer.js';
import {TileLayer, tileLayer} from 'leaflet/src/layer/tile/TileLayer.js';
import {Renderer} from 'leaflet/src/layer/vector/Renderer.js';

// The same wiring Leaflet's own index modules do (map/index.js, control/index.js, geo/crs/index.js).
Map.BoxZoom = BoxZoom;
Map.DoubleClickZoom = DoubleClickZoom;
Map.Drag = Drag;
Map.Keyboard = Keyboard;
Map.ScrollWheelZoom = ScrollWheelZoom;
Map.TapHold = TapHold;
Map.TouchZoom = TouchZoom;

Control.Zoom = Zoom;
Control.Attribution = Attribution;
Control.Scale = Scale;
control.zoom = zoom;
control.attribution = attribution;
control.scale = scale;

CRS.Earth = Earth;
CRS.EPSG3857 = EPSG3857;
CRS.EPSG900913 = EPSG900913;

// A plain object, as Leaflet's own build makes: scripts may add to it (L.Foo = ...).
const L = {
	version,
	Browser, Class, Evented, Handler, Util,
	extend: Util.extend, bind: Util.bind, stamp: Util.stamp, setOptions: Util.setOptions,
	DomEvent, DomUtil, Draggable, PosAnimation,
	Point, point: toPoint, Bounds, bounds: toBounds, Transformation, transformation: toTransformation,
	LatLng, latLng: toLatLng, LatLngBounds, latLngBounds: toLatLngBounds, CRS,
	Map, map: createMap,
	Control, control,
	Layer, DivOverlay, Popup, popup, GridLayer, gridLayer, TileLayer, tileLayer, Renderer,
};

const oldL = window.L;
L.noConflict = function () {
	window.L = oldL;
	return this;
};
window.L = L;
