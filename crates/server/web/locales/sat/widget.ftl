## The cookie banner (/widget/v1/consent.js)
widget-title = ᱱᱚᱶᱟ ᱥᱟᱭᱤᱴ ᱨᱮ ᱠᱩᱠᱤ ᱠᱚ
widget-intro = ᱞᱟᱹᱠᱛᱤᱭᱟᱱ ᱠᱩᱠᱤ ᱠᱚ ᱱᱚᱶᱟ ᱥᱟᱭᱤᱴ ᱠᱟᱹᱢᱤ ᱦᱚᱪᱚᱭᱟ ᱟᱨ ᱡᱟᱣᱜᱮ ᱪᱟᱹᱞᱩ ᱛᱟᱦᱮᱸᱱᱟ᱾ ᱟᱢᱟᱜ ᱥᱚᱢᱢᱚᱛᱤ ᱥᱟᱶ ᱟᱞᱮ ᱛᱷᱚᱠ ᱞᱮᱠᱟᱛᱮ ᱮᱴᱟᱜ ᱠᱩᱠᱤ ᱠᱚ ᱦᱚᱸ ᱵᱮᱵᱷᱟᱨᱟ᱾ ᱡᱷᱚᱛᱚ ᱟᱫᱮᱨ ᱢᱮ, ᱡᱷᱚᱛᱚ ᱵᱟᱹᱨᱜᱤᱞ ᱢᱮ ᱟᱨᱵᱟᱝ ᱡᱷᱚᱛᱚ ᱛᱷᱚᱠ ᱞᱟᱹᱜᱤᱫ ᱵᱟᱪᱷᱟᱣ ᱢᱮ; ᱡᱟᱦᱟᱸ ᱚᱠᱛᱚ ᱨᱮᱦᱚᱸ ᱟᱢᱟᱜ ᱵᱟᱪᱷᱟᱣ ᱵᱚᱫᱚᱞ ᱫᱟᱲᱮᱭᱟᱜ ᱢᱮᱭᱟ᱾
widget-accept-all = ᱡᱷᱚᱛᱚ ᱟᱫᱮᱨ ᱢᱮ
widget-reject-all = ᱡᱷᱚᱛᱚ ᱵᱟᱹᱨᱜᱤᱞ ᱢᱮ
widget-customise = ᱛᱷᱚᱠ ᱠᱚ ᱵᱟᱪᱷᱟᱣ ᱢᱮ
widget-save = ᱤᱧᱟᱜ ᱵᱟᱪᱷᱟᱣ ᱥᱟᱺᱪᱟᱣ ᱢᱮ
widget-preferences = ᱠᱩᱠᱤ ᱠᱩᱥᱤ ᱠᱚ
widget-policy = ᱠᱩᱠᱤ ᱱᱤᱛᱤ
widget-always-on = ᱡᱟᱣᱜᱮ ᱪᱟᱹᱞᱩ᱾
widget-gpc = ᱟᱢᱟᱜ ᱵᱨᱟᱣᱡᱚᱨ ᱨᱮᱭᱟᱜ ᱜᱞᱚᱵᱟᱞ ᱯᱨᱟᱭᱣᱮᱥᱤ ᱠᱚᱱᱴᱨᱚᱞ ᱥᱩᱨ ᱱᱚᱶᱟ ᱛᱷᱚᱠ ᱵᱟᱹᱨᱜᱤᱞ ᱮᱫᱟ᱾
widget-error = ᱟᱢᱟᱜ ᱵᱟᱪᱷᱟᱣ ᱵᱟᱝ ᱥᱟᱺᱪᱟᱣ ᱜᱟᱱ ᱞᱮᱱᱟ᱾ ᱫᱟᱭᱟ ᱠᱟᱛᱮ ᱫᱩᱦᱲᱟᱹ ᱪᱮᱥᱴᱟᱭ ᱢᱮ᱾
widget-category-essential = ᱞᱟᱹᱠᱛᱤᱭᱟᱱ
widget-category-performance = ᱠᱟᱹᱢᱤ ᱫᱟᱲᱮ
widget-category-analytics = ᱵᱤᱥᱞᱮᱥᱚᱱ
widget-category-marketing = ᱦᱟᱴ ᱠᱟᱹᱢᱤ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = ᱠᱩᱠᱤ ᱵᱮᱱᱚᱨ ᱢᱮᱱᱟᱜ ᱢᱤᱫ ᱱᱚᱢᱩᱱᱟ ᱥᱟᱦᱴᱟ
widget-demo-intro = ᱱᱚᱶᱟ ᱥᱟᱦᱴᱟ ᱠᱩᱠᱤ ᱵᱮᱱᱚᱨ ᱚᱱᱟ ᱞᱮᱠᱟ ᱩᱫᱩᱜᱟᱜ ᱠᱟᱱᱟ ᱡᱮᱞᱮᱠᱟ ᱢᱤᱫ ᱣᱮᱵᱥᱟᱭᱤᱴ ᱫᱚᱦᱚᱭᱟ᱾ ᱟᱢ ᱵᱤᱥᱞᱮᱥᱚᱱ ᱠᱩᱠᱤ ᱠᱚ ᱦᱩᱠᱩᱢ ᱵᱟᱢ ᱮᱢ ᱦᱟᱹᱵᱤᱡ ᱱᱚᱣᱟ ᱨᱮᱭᱟᱜ ᱵᱤᱥᱞᱮᱥᱚᱱ ᱥᱠᱨᱤᱯᱴ ᱛᱟᱹᱧᱜᱚᱱ ᱛᱟᱦᱮᱸᱱᱟ᱾
widget-demo-blocked = ᱵᱤᱥᱞᱮᱥᱚᱱ: ᱦᱩᱠᱩᱢ ᱦᱟᱹᱵᱤᱡ ᱛᱟᱹᱧᱜᱚᱱ᱾
widget-demo-running = ᱵᱤᱥᱞᱮᱥᱚᱱ: ᱪᱟᱹᱞᱩ ᱢᱮᱱᱟᱜᱼᱟ᱾
