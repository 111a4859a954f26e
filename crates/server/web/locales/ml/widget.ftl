## The cookie banner (/widget/v1/consent.js)
widget-title = ഈ സൈറ്റിലെ കുക്കികൾ
widget-intro = അത്യാവശ്യ കുക്കികൾ ഈ സൈറ്റ് പ്രവർത്തിപ്പിക്കുന്നു, എപ്പോഴും ഓണായിരിക്കും. നിങ്ങളുടെ സമ്മതത്തോടെ ഞങ്ങൾ വിഭാഗം തിരിച്ച് മറ്റ് കുക്കികളും ഉപയോഗിക്കുന്നു. എല്ലാം സ്വീകരിക്കുക, എല്ലാം നിരസിക്കുക അല്ലെങ്കിൽ ഓരോ വിഭാഗത്തിനും തിരഞ്ഞെടുക്കുക; നിങ്ങളുടെ തിരഞ്ഞെടുപ്പ് എപ്പോൾ വേണമെങ്കിലും മാറ്റാം.
widget-accept-all = എല്ലാം സ്വീകരിക്കുക
widget-reject-all = എല്ലാം നിരസിക്കുക
widget-customise = വിഭാഗങ്ങൾ തിരഞ്ഞെടുക്കുക
widget-save = എന്റെ തിരഞ്ഞെടുപ്പ് സംരക്ഷിക്കുക
widget-preferences = കുക്കി മുൻഗണനകൾ
widget-policy = കുക്കി നയം
widget-always-on = എപ്പോഴും ഓൺ.
widget-gpc = നിങ്ങളുടെ ബ്രൗസറിന്റെ ഗ്ലോബൽ പ്രൈവസി കൺട്രോൾ സിഗ്നൽ ഈ വിഭാഗം നിരസിക്കുന്നു.
widget-error = നിങ്ങളുടെ തിരഞ്ഞെടുപ്പ് സംരക്ഷിക്കാനായില്ല. ദയവായി വീണ്ടും ശ്രമിക്കുക.
widget-category-essential = അത്യാവശ്യം
widget-category-performance = പ്രകടനം
widget-category-analytics = വിശകലനം
widget-category-marketing = വിപണനം

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = കുക്കി ബാനറുള്ള ഒരു മാതൃകാ പേജ്
widget-demo-intro = ഒരു വെബ്സൈറ്റ് കുക്കി ബാനർ വഹിക്കുന്നതുപോലെ ഈ പേജ് അത് കാണിക്കുന്നു. നിങ്ങൾ വിശകലന കുക്കികൾ അനുവദിക്കുന്നതുവരെ ഇതിന്റെ വിശകലന സ്ക്രിപ്റ്റ് തടഞ്ഞിരിക്കും.
widget-demo-blocked = വിശകലനം: അനുവദിക്കുന്നതുവരെ തടഞ്ഞു.
widget-demo-running = വിശകലനം: പ്രവർത്തിക്കുന്നു.
