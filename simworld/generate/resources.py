"""Bytes shared across sites, as on the real web, and small images drawn on demand.

The CONAC badge, the 公安备案 icon and the national emblem are the genuine replica's own files:
every government site of the world loads the same badge from dcs.conac.cn, the same 找错
script and often the same emblem, exactly what a detector must learn not to count as imitation.
Libraries (jQuery, Vue, Element) are small stand-ins written for this project, served by the
CDN hosts of the world with the paths and headers the real libraries have.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from simworld.world import DEFAULT_ROOT

GENUINE_FILES = DEFAULT_ROOT / "sites" / "cx.mem.gov.cn" / "files"
FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@functools.cache
def genuine_file(rel: str) -> bytes:
    """A file of the genuine replica (hand-written world), read once."""
    return (GENUINE_FILES / rel).read_bytes()


def conac_badge() -> bytes:
    """dcs.conac.cn/image/red.png — the 党政机关 badge every government site shows."""
    return genuine_file("img/conac.png")


def gongan_icon() -> bytes:
    return genuine_file("img/gongan.png")


def emblem() -> bytes:
    return genuine_file("img/emblem.png")


def conac_script(bszs_id: str) -> bytes:
    """The per-site badge script under dcs.conac.cn/js/…: writes the badge and its link."""
    return (
        "document.write(unescape(\"%3Cspan id='_ideConac' %3E%3Ca href='//bszs.conac.cn/sitename?"
        f"method=show&id={bszs_id}' target='_blank'%3E%3Cimg id='imgConac' vspace='0' hspace='0'"
        " border='0' src='//dcs.conac.cn/image/red.png' data-bd-imgshare-binded='1'%3E%3C/a%3E"
        '%3C/span%3E"));\n'
    ).encode()


HM_JS = b"""(function(){var h={},mt={},c={id:"",dm:[],js:"hm.baidu.com/hm.js?",etrk:[],cetrk:[],
nv:-1,st:4,cv:-1,lt:1800,vdur:1800000};var q=window,d=document;function g(a){try{return
encodeURIComponent(a)}catch(e){return a}}h.s={};h.l=function(){var a=d.getElementsByTagName(
"script");for(var i=0;i<a.length;i++){var s=a[i].src||"";if(s.indexOf(c.js)>-1){c.id=
s.split("?")[1]||""}}};h.b=function(){var i=new Image(1,1);i.src="https://hm.baidu.com/hm.gif?si="
+g(c.id)+"&ep=0&rnd="+Math.round(Math.random()*2147483647)+"&u="+g(location.href)};h.l();
if(!q._bdhmLoaded){q._bdhmLoaded=1;h.b()}})();
"""

CNZZ_JS = b"""/* site statistics loader */(function(){var s=document.getElementsByTagName(
"script");var id="";for(var i=0;i<s.length;i++){var m=/[?&]id=(\\d+)/.exec(s[i].src||"");if(m)
{id=m[1]}}var img=new Image();img.src="https://c.cnzz.com/core.php?web_id="+id+"&t="+(+new Date)
;document.write('<span id="cnzz_stat_icon_'+id+'"></span>')})();
"""

_JQUERY = b"""/*! zq {version} | a small jQuery-compatible core written for the simulated internet */
(function(w,d){function Q(s){if(!(this instanceof Q))return new Q(s);if(typeof s==="function")
{d.readyState!=="loading"?s():d.addEventListener("DOMContentLoaded",s);this.length=0;return}
var n=typeof s==="string"?d.querySelectorAll(s):[s];for(var i=0;i<n.length;i++)this[i]=n[i];
this.length=n.length}Q.prototype.each=function(f){for(var i=0;i<this.length;i++)f.call(this[i],
i,this[i]);return this};Q.prototype.on=function(e,f){return this.each(function(){this.
addEventListener(e,f)})};Q.prototype.html=function(h){return h===undefined?(this[0]?this[0].
innerHTML:""):this.each(function(){this.innerHTML=h})};Q.prototype.text=function(t){return this
.each(function(){this.textContent=t})};Q.fn=Q.prototype;Q.fn.jquery="{version}";w.jQuery=w.$=Q})(window,document);
"""
#: one stand-in per version, as the real files differ by version
JQUERY = _JQUERY.replace(b"{version}", b"1.12.4")
JQUERY_3 = _JQUERY.replace(b"{version}", b"3.6.0")

VUE = b"""/*! vue-lite 2.6 | a tiny reactive-template stand-in written for the simulated internet */
(function(w){function V(o){var el=document.querySelector(o.el||"#app");this.$data=o.data?
(typeof o.data==="function"?o.data():o.data):{};if(el&&o.template){el.innerHTML=o.template}
if(o.mounted)o.mounted.call(this)}V.version="2.6.14";V.use=function(){};V.component=function()
{};w.Vue=V})(window);
"""

ELEMENT_CSS = b"""/* element-lite 2.15 theme-chalk stand-in */.el-button{display:inline-block;
padding:12px 20px;border:1px solid #dcdfe6;border-radius:4px}.el-button--primary{color:#fff;
background:#409eff;border-color:#409eff}.el-input__inner{height:40px;border:1px solid #dcdfe6;
border-radius:4px;padding:0 15px}.el-form-item{margin-bottom:22px}
"""

ELEMENT_JS = b"""/*! element-lite 2.15 | component stand-ins for the simulated internet */
(function(w){if(w.Vue){w.Vue.use({install:function(){}})}w.ELEMENT={version:"2.15.14"}})(window);
"""

BOOTSTRAP_CSS = b"""/*! grid-lite 3.4 | bootstrap-compatible grid stand-in */.container{width:1170px;
margin:0 auto}.row{display:flex;flex-wrap:wrap}.col-md-4{width:33.3%}.col-md-8{width:66.6%}
.btn{display:inline-block;padding:6px 12px;border-radius:4px}.btn-primary{background:#337ab7;
color:#fff}.form-control{display:block;width:100%;height:34px}
"""

#: CDN paths of the stand-ins: (path, body, content type)
LIBRARIES = (
    ("jquery/1.12.4/jquery.min.js", JQUERY, "application/javascript; charset=utf-8"),
    ("jquery/3.6.0/jquery.min.js", JQUERY_3, "application/javascript; charset=utf-8"),
    ("vue/2.6.14/vue.min.js", VUE, "application/javascript; charset=utf-8"),
    ("element-ui/2.15.14/theme-chalk/index.css", ELEMENT_CSS, "text/css; charset=utf-8"),
    ("element-ui/2.15.14/index.js", ELEMENT_JS, "application/javascript; charset=utf-8"),
    ("twitter-bootstrap/3.4.1/css/bootstrap.min.css", BOOTSTRAP_CSS, "text/css; charset=utf-8"),
)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT), size)
    except OSError:  # no CJK font installed: shapes stay, the words become boxes
        return ImageFont.load_default()


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


@functools.lru_cache(maxsize=512)
def captcha(text: str, tint: int = 0) -> bytes:
    """A 4-character captcha image; `tint` varies the colours between products."""
    bg = [(236, 242, 250), (250, 246, 236), (240, 240, 240), (232, 248, 238)][tint % 4]
    img = Image.new("RGB", (100, 38), bg)
    draw = ImageDraw.Draw(img)
    for i, ch in enumerate(text):
        draw.text(
            (10 + i * 22, 4 + (i * 7 + tint) % 6),
            ch,
            font=_font(24),
            fill=(40 + 30 * (tint % 3), 60, 140 - 20 * (i % 3)),
        )
    draw.line([(3, 28 - tint % 9), (97, 8 + tint % 11)], fill=(150, 170, 200), width=1)
    return _png(img)


@functools.lru_cache(maxsize=256)
def logo(text: str, color: tuple[int, int, int], width: int = 320) -> bytes:
    """A banner logo: coloured band, a round seal and the organisation's name."""
    img = Image.new("RGB", (width, 64), color)
    draw = ImageDraw.Draw(img)
    draw.ellipse((8, 8, 56, 56), outline=(255, 255, 255), width=3)
    draw.text((22, 18), text[:1], font=_font(22), fill=(255, 255, 255))
    draw.text((68, 16), text[:14], font=_font(22), fill=(255, 255, 255))
    return _png(img)


@functools.lru_cache(maxsize=256)
def certificate_card(holder: str, number: str, item: str, qr_url: str, style: int) -> bytes:
    """A seller's 'sample certificate' photo: card, fields and a QR code to its fake site."""
    import qrcode

    blue = [(26, 92, 170), (30, 120, 190), (40, 80, 150), (24, 140, 120)][style % 4]
    img = Image.new("RGB", (560, 340), blue)
    draw = ImageDraw.Draw(img)
    draw.text((24, 18), "中华人民共和国", font=_font(18), fill=(255, 255, 255))
    draw.text((24, 44), "特种作业操作证", font=_font(26), fill=(255, 255, 255))
    for i, (k, v) in enumerate((("姓名", holder), ("证号", number), ("操作项目", item))):
        draw.text((24, 110 + i * 34), f"{k}：{v}", font=_font(16), fill=(240, 244, 250))
    qr = qrcode.make(qr_url, box_size=3, border=1).get_image().convert("RGB").resize((150, 150))
    img.paste(qr, (380, 120))
    draw.text((390, 278), "扫码查验", font=_font(14), fill=(255, 255, 255))
    return _png(img)


@functools.lru_cache(maxsize=256)
def contact_qr(payload: str) -> bytes:
    """A WeChat/QQ 'add me' QR code image."""
    import qrcode

    return _png(qrcode.make(payload, box_size=4, border=2).get_image().convert("RGB"))
