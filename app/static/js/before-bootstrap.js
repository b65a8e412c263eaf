// Loaded before Bootstrap Italia's bundle: its bundled video player would
// otherwise inject <style> elements, which the Content-Security-Policy forbids.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
