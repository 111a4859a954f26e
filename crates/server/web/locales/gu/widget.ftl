## The cookie banner (/widget/v1/consent.js)
widget-title = આ સાઇટ પર કૂકીઝ
widget-intro = આવશ્યક કૂકીઝ આ સાઇટને ચાલુ રાખે છે અને હંમેશા ચાલુ રહે છે. તમારી સંમતિથી અમે શ્રેણી મુજબ અન્ય કૂકીઝનો પણ ઉપયોગ કરીએ છીએ. બધું સ્વીકારો, બધું નકારો અથવા દરેક શ્રેણી માટે પસંદ કરો; તમે તમારી પસંદગી ગમે ત્યારે બદલી શકો છો.
widget-accept-all = બધું સ્વીકારો
widget-reject-all = બધું નકારો
widget-customise = શ્રેણીઓ પસંદ કરો
widget-save = મારી પસંદગી સાચવો
widget-preferences = કૂકી પસંદગીઓ
widget-policy = કૂકી નીતિ
widget-always-on = હંમેશા ચાલુ.
widget-gpc = તમારા બ્રાઉઝરનો ગ્લોબલ પ્રાઇવસી કંટ્રોલ સંકેત આ શ્રેણીને નકારે છે.
widget-error = તમારી પસંદગી સાચવી શકાઈ નહીં. કૃપા કરીને ફરી પ્રયાસ કરો.
widget-category-essential = આવશ્યક
widget-category-performance = કામગીરી
widget-category-analytics = વિશ્લેષણ
widget-category-marketing = માર્કેટિંગ

## The sample page with the banner (/widget/v1/demo)
widget-demo-title = કૂકી બેનર સાથેનું એક નમૂના પાનું
widget-demo-intro = આ પાનું કૂકી બેનરને એ રીતે બતાવે છે જે રીતે કોઈ વેબસાઇટ તેને રાખશે. તમે વિશ્લેષણ કૂકીઝને મંજૂરી ન આપો ત્યાં સુધી તેની વિશ્લેષણ સ્ક્રિપ્ટ રોકાયેલી રહે છે.
widget-demo-blocked = વિશ્લેષણ: મંજૂરી મળે ત્યાં સુધી રોકાયેલું.
widget-demo-running = વિશ્લેષણ: ચાલુ છે.
