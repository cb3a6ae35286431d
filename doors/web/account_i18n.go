package web

// accountMessages are the texts of the sign-in's second step, the user's
// page and the doors' refusals: key -> {French, English}.
var accountMessages = map[string][2]string{
	"login.throttled":   {"Trop d'essais infructueux : réessayez dans %d minute(s).", "Too many failed attempts: try again in %d minute(s)."},
	"code.title":        {"Double authentification", "Two-step sign-in"},
	"code.label":        {"Code de l'application ou code de secours", "Authenticator code or recovery code"},
	"code.label.totp":   {"Code à 6 chiffres", "6-digit code"},
	"code.help":         {"Le code à 6 chiffres de votre application d'authentification, ou l'un de vos codes de secours.", "The 6-digit code of your authenticator app, or one of your recovery codes."},
	"code.submit":       {"Vérifier", "Verify"},
	"code.bad":          {"Code incorrect ou déjà utilisé.", "Wrong or already used code."},
	"nav.account":       {"Mon compte", "My account"},
	"account.title":     {"Mon compte", "My account"},
	"account.must":      {"Un administrateur a réinitialisé votre mot de passe : choisissez-en un nouveau pour continuer.", "An administrator reset your password: choose a new one to go on."},
	"account.first":     {"Changez d'abord votre mot de passe ou activez la double authentification (Mon compte).", "First change your password or turn on the two-step sign-in (My account)."},
	"pw.title":          {"Mot de passe", "Password"},
	"pw.current.label":  {"Mot de passe actuel", "Current password"},
	"pw.new":            {"Nouveau mot de passe", "New password"},
	"pw.again.label":    {"Nouveau mot de passe, encore", "New password, again"},
	"pw.save":           {"Changer le mot de passe", "Change password"},
	"pw.help":           {"10 caractères au moins, pas un mot de passe courant. Vos autres sessions seront fermées.", "At least 10 characters, not a common password. Your other sessions will be ended."},
	"pw.changed":        {"Mot de passe changé ; vos autres sessions sont fermées.", "Password changed; your other sessions are ended."},
	"pw.again":          {"Les deux saisies du nouveau mot de passe diffèrent.", "The two entries of the new password differ."},
	"pw.current":        {"Mot de passe actuel incorrect.", "Wrong current password."},
	"pw.short":          {"Le mot de passe doit avoir au moins %d caractères.", "The password must have at least %d characters."},
	"pw.long":           {"Le mot de passe doit avoir au plus 72 octets.", "The password must have at most 72 bytes."},
	"pw.common":         {"Ce mot de passe est parmi les plus courants : choisissez-en un autre.", "This password is among the most common ones: choose another."},
	"pw.name":           {"Le mot de passe ne doit pas reprendre l'identifiant.", "The password must not be the user name."},
	"pw.same":           {"Le nouveau mot de passe doit différer de l'actuel.", "The new password must differ from the current one."},
	"tf.title":          {"Double authentification", "Two-step sign-in"},
	"tf.intro":          {"Après le mot de passe, un code à 6 chiffres de votre application d'authentification (TOTP) sera demandé.", "After the password, a 6-digit code from your authenticator app (TOTP) will be asked."},
	"tf.start":          {"Activer", "Turn on"},
	"tf.scan":           {"Scannez ce QR code avec votre application d'authentification, puis saisissez le code qu'elle affiche.", "Scan this QR code with your authenticator app, then type the code it shows."},
	"tf.manual":         {"Ou saisissez la clé à la main :", "Or type the key by hand:"},
	"tf.confirm":        {"Confirmer", "Confirm"},
	"tf.bad":            {"Code incorrect : vérifiez l'heure du téléphone et réessayez.", "Wrong code: check the phone's clock and try again."},
	"tf.none":           {"Aucune activation en cours : recommencez.", "No enrolment in progress: start again."},
	"tf.codes":          {"Codes de secours", "Recovery codes"},
	"tf.codes.help":     {"Notez ces codes maintenant : ils ne seront plus affichés. Chacun remplace une fois le code de l'application.", "Write these codes down now: they will not be shown again. Each replaces the app's code once."},
	"tf.on":             {"activée", "on"},
	"tf.left":           {"%d code(s) de secours restant(s).", "%d recovery code(s) left."},
	"tf.renew":          {"Changer d'appareil (nouvelle clé)", "Change device (new key)"},
	"tf.remove":         {"Désactiver", "Turn off"},
	"tf.off":            {"Double authentification désactivée.", "Two-step sign-in turned off."},
	"tf.need":           {"Cette installation exige la double authentification des administrateurs : activez-la pour continuer.", "This installation requires two-step sign-in of administrators: turn it on to go on."},
	"tf.required":       {"Cette installation exige la double authentification des administrateurs.", "This installation requires two-step sign-in of administrators."},
	"user.password":     {"Mot de passe provisoire", "Temporary password"},
	"user.reset":        {"Réinitialiser", "Reset"},
	"user.password.ok":  {"Mot de passe de %s réinitialisé : il devra le changer à sa prochaine connexion.", "Password of %s reset: they must change it at their next sign-in."},
	"user.factor.off":   {"Retirer la double authentification", "Remove two-step sign-in"},
	"user.factor.offok": {"Double authentification de %s retirée.", "Two-step sign-in of %s removed."},
	"user.factor":       {"2FA", "2FA"},
	"user.disable.ok":   {"Utilisateur %s désactivé : ses sessions sont fermées.", "User %s disabled: their sessions are ended."},
	"user.enable.ok":    {"Utilisateur %s réactivé.", "User %s enabled."},
}

func init() {
	for k, v := range accountMessages {
		if _, dup := messages[k]; !dup {
			messages[k] = v
		}
	}
}
