// The host's half of the embed's height protocol, pasted into an article after the
// iframe (storymap/render/share.py). Only messages from one of our iframes
// (event.source is its window) resize that iframe, within sane bounds; several
// embeds on one page may each carry a copy and resize the same way. It also drops
// the frame's border: an article whose Content-Security-Policy refuses style
// attributes ignores the iframe's style="border:0", never a script's element.style.
//
// The build drops these // lines and joins the others as they are, with no line
// break, into the one line an editor pastes. Articles with a policy allow it by
// the sha256 of that line: docs/publishing.md gives it and a test checks it, so
// any change here changes the hash the docs quote.
window.addEventListener("message",function(e){var d=e.data;
if(!d||d.type!=="storymap:height"||typeof d.height!=="number")return;
var f=document.querySelectorAll("iframe[data-storymap]");
for(var i=0;i<f.length;i++)if(f[i].contentWindow===e.source){f[i].style.border="0";
f[i].style.height=Math.min(Math.max(Math.round(d.height),200),5000)+"px";}});
