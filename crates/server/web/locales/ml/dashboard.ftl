## The principal's dashboard
dash-title = നിങ്ങളുടെ സമ്മതങ്ങൾ
dash-nav-label = നിങ്ങളുടെ ഡാഷ്ബോർഡ്
dash-nav-consents = സമ്മതങ്ങൾ
dash-nav-inbox = സന്ദേശങ്ങൾ
dash-nav-cases = പരാതികളും അഭ്യർത്ഥനകളും
dash-sign-out = സൈൻ ഔട്ട് ചെയ്യുക
dash-back = തിരികെ

## Signing in
dash-signin-title = നിങ്ങളുടെ സമ്മതങ്ങൾ കാണാൻ സൈൻ ഇൻ ചെയ്യുക
dash-signin-intro = സ്ഥാപനം നിങ്ങൾക്കായി സ്ഥിരീകരിച്ച മൊബൈൽ നമ്പറിലേക്കോ ഇ-മെയിൽ വിലാസത്തിലേക്കോ ഞങ്ങൾ ഒറ്റത്തവണ കോഡ് അയയ്ക്കും.
dash-contact = മൊബൈൽ നമ്പർ അല്ലെങ്കിൽ ഇ-മെയിൽ വിലാസം
dash-send-code = എനിക്ക് കോഡ് അയയ്ക്കുക
dash-contact-invalid = 10 അക്ക മൊബൈൽ നമ്പറോ ഇ-മെയിൽ വിലാസമോ നൽകുക.
dash-code-title = നിങ്ങളുടെ കോഡ് നൽകുക
dash-code-sent = { $contact } സ്ഥാപനത്തിന് അറിയാമെങ്കിൽ, ആറക്ക കോഡ് അയയ്ക്കുന്നു. ഇത് { $minutes } മിനിറ്റ് സാധുവാണ്.
dash-code = ആറക്ക കോഡ്
dash-sign-in = സൈൻ ഇൻ ചെയ്യുക
dash-code-again = പുതിയ കോഡ് ചോദിക്കുക
dash-code-wrong = കോഡ് തെറ്റാണ്, കാലഹരണപ്പെട്ടു അല്ലെങ്കിൽ ഇതിനകം ഉപയോഗിച്ചു. പുതിയത് ചോദിക്കുക.
dash-handoff-title = നിങ്ങളുടെ ഡാഷ്ബോർഡ് തുറക്കുക
dash-handoff-intro = സ്ഥാപനം നിങ്ങൾക്ക് നൽകിയ സൈൻ-ഇൻ ടോക്കൺ ഇവിടെ ഒട്ടിക്കുക.
dash-token = സൈൻ-ഇൻ ടോക്കൺ
dash-open = തുറക്കുക
dash-signed-out-title = നിങ്ങൾ സൈൻ ഔട്ട് ചെയ്തു
dash-signed-out = സ്ഥാപനത്തിന്റെ വെബ്സൈറ്റിൽ നിന്നോ ആപ്പിൽ നിന്നോ നിങ്ങളുടെ ഡാഷ്ബോർഡ് വീണ്ടും തുറക്കുക.

## Consents
dash-done = പൂർത്തിയായി: { $purpose } എന്നതിനുള്ള നിങ്ങളുടെ തിരഞ്ഞെടുപ്പ് രേഖപ്പെടുത്തി.
dash-filter = സമ്മതങ്ങൾ തിരയുക
dash-purpose = ഉദ്ദേശ്യം
dash-status = നില
dash-any = ഏതും
dash-from = ഈ തീയതിയിലോ ശേഷമോ മാറിയവ
dash-to = ഈ തീയതിയിലോ മുമ്പോ മാറിയവ
dash-apply = കാണിക്കുക
dash-group-reconsent = വീണ്ടും സമ്മതം ചോദിച്ചവ
dash-group-active = സജീവം
dash-group-expired = കാലഹരണപ്പെട്ടവ
dash-group-withdrawn = പിൻവലിച്ചവ
dash-group-denied = നിരസിച്ചവ
dash-none = ഇവിടെ ഒന്നുമില്ല.
dash-notice = അറിയിപ്പ് { $notice }, പതിപ്പ് { $version }
dash-reconsent = അറിയിപ്പ് മാറിയിരിക്കുന്നു. ദയവായി അത് വായിച്ച് വീണ്ടും സമ്മതം നൽകുക.
dash-data = ഉപയോഗിക്കുന്ന ഡാറ്റ
dash-changed = { $date } ന് മാറ്റി
dash-expires = { $date } വരെ സാധുവാണ്
dash-reconsent-button = വീണ്ടും സമ്മതം നൽകുക
dash-renew = പുതുക്കുക
dash-grant = സമ്മതം നൽകുക
dash-withdraw = സമ്മതം പിൻവലിക്കുക
dash-history = ചരിത്രം
dash-export-title = നിങ്ങളുടെ ചരിത്രം ഡൗൺലോഡ് ചെയ്യുക
dash-export-csv = സ്പ്രെഡ്ഷീറ്റായി (CSV)
dash-export-record = സമ്മത രേഖയായി (ISO/IEC 27560, JSON-LD)
dash-export-pdf = ഡോക്യുമെന്റായി (PDF)
dash-pdf-title = നിങ്ങളുടെ സമ്മതങ്ങളുടെ ചരിത്രം
dash-pdf-made = { $date } ന് തയ്യാറാക്കിയത്. വ്യക്തിഗത ഡാറ്റ ഭാഗികമായി മറച്ചാണ് കാണിച്ചിരിക്കുന്നത്.
dash-pdf-page = { $pages } പേജുകളിൽ പേജ് { $page }
dash-consent = സമ്മതം
dash-choice = തിരഞ്ഞെടുപ്പ്
dash-choice-granted = നൽകി
dash-choice-denied = നിരസിച്ചു
dash-valid-until = എന്നുവരെ സാധുവാണ്

## A consent's history
dash-history-title = ഈ സമ്മതത്തിന്റെ ചരിത്രം
dash-version = പതിപ്പ്
dash-when = എപ്പോൾ
dash-event = എന്ത് സംഭവിച്ചു
dash-by = ആര്
dash-event-collected = നൽകി
dash-event-updated = മാറ്റി
dash-event-renewed = പുതുക്കി
dash-event-withdrawn = പിൻവലിച്ചു
dash-event-expired = കാലഹരണപ്പെട്ടു
dash-by-principal = നിങ്ങൾ
dash-by-fiduciary = സ്ഥാപനം
dash-by-system = സ്വയമേവ
dash-by-other = ജീവനക്കാരോ നിങ്ങളുടെ നോമിനിയോ

## Messages
dash-ack = വായിച്ചതായി അടയാളപ്പെടുത്തുക
dash-read-on = { $date } ന് വായിച്ചു

## Grievances and requests
dash-reference = റഫറൻസ് നമ്പർ
dash-kind = തരം
dash-filed = സമർപ്പിച്ച തീയതി
dash-respond-by = മറുപടിക്കുള്ള അവസാന തീയതി
dash-kind-grievance = പരാതി
dash-kind-access = എന്റെ ഡാറ്റയുടെ പകർപ്പ്
dash-kind-correction = എന്റെ ഡാറ്റ തിരുത്തൽ
dash-kind-erasure = എന്റെ ഡാറ്റ മായ്ക്കൽ
dash-kind-nomination = ഒരാളെ നാമനിർദ്ദേശം ചെയ്യൽ
dash-case-submitted = ലഭിച്ചു
dash-case-acknowledged = കൈപ്പറ്റിയതായി അറിയിച്ചു
dash-case-in_progress = നടപടി പുരോഗമിക്കുന്നു
dash-case-escalated = മുതിർന്ന ഓഫീസർക്ക് അയച്ചു
dash-case-resolved = പരിഹരിച്ചു
dash-case-closed = അവസാനിപ്പിച്ചു
dash-case-reopened = വീണ്ടും തുറന്നു
dash-grievance-title = പരാതി സമർപ്പിക്കുക
dash-category = വിഭാഗം
dash-description = എന്ത് സംഭവിച്ചു?
dash-file = അയയ്ക്കുക
dash-request-title = അഭ്യർത്ഥന നടത്തുക
dash-request-kind = നിങ്ങൾ എന്താണ് ആവശ്യപ്പെടുന്നത്?
dash-details = വിശദാംശങ്ങൾ (ഐച്ഛികം)
dash-correction-field = തിരുത്തലിന്: എന്ത് തിരുത്തണം
dash-correction-value = തിരുത്തലിന്: ശരിയായ മൂല്യം
dash-nominee-name = നാമനിർദ്ദേശത്തിന്: വ്യക്തിയുടെ പേര്
dash-nominee-contact = നാമനിർദ്ദേശത്തിന്: അവരുടെ മൊബൈൽ നമ്പർ അല്ലെങ്കിൽ ഇ-മെയിൽ വിലാസം
dash-access-document = നിങ്ങളുടെ ഡാറ്റ ഡൗൺലോഡ് ചെയ്യുക (JSON)

## Errors
dash-error-not-found = നിങ്ങളുടെ അക്കൗണ്ടിൽ അങ്ങനെയൊരു സമ്മതമോ കേസോ ഇല്ല.
dash-error-refused = ഇത് ചെയ്യാനായില്ല. ഒന്നും മാറ്റിയിട്ടില്ല. ദയവായി ഫോം പരിശോധിച്ച് വീണ്ടും ശ്രമിക്കുക.
dash-error-too-many = വളരെയധികം ശ്രമങ്ങൾ. ദയവായി കുറച്ച് മിനിറ്റ് കാത്തിരുന്ന് വീണ്ടും ശ്രമിക്കുക.
dash-error-input = ഫോം വായിക്കാനായില്ല. ദയവായി പരിശോധിച്ച് വീണ്ടും ശ്രമിക്കുക.
dash-error-hand-off = ഈ സൈൻ-ഇൻ കാലഹരണപ്പെട്ടു അല്ലെങ്കിൽ സാധുവല്ല. ദയവായി സ്ഥാപനത്തിന്റെ വെബ്സൈറ്റിൽ നിന്നോ ആപ്പിൽ നിന്നോ ഡാഷ്ബോർഡ് വീണ്ടും തുറക്കുക.
dash-error-pdf = ഡോക്യുമെന്റ് ഇപ്പോൾ തയ്യാറാക്കാനായില്ല. നിങ്ങളുടെ ചരിത്രം സ്പ്രെഡ്ഷീറ്റായും (CSV) ഡൗൺലോഡ് ചെയ്യാം.
