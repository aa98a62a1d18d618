## The pages behind the emailed links: confirming and cancelling.

link-kept = Bağlantınız geçerliliğini koruyor; lütfen birkaç dakika sonra yeniden deneyin.
link-invalid-heading = Bu bağlantı geçerli değil
link-incomplete-heading = Bu bağlantı eksik
link-started-heading = Webinar başladı
zoom-link-coming = Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.

confirm-heading = Kaydınızı onaylayın
confirm-prompt = Katılacağınızı onaylamak için düğmeye basın. Ardından Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.
confirm-button = Kaydımı onayla
confirmed-heading = Kaydınız onaylandı
confirmed-already = Kaydınızı zaten onayladınız. Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.
confirmed-now = Teşekkür ederiz. Zoom bağlantısını webinar başlamadan önce size e-postayla göndereceğiz.
waitlisted-heading = Bekleme listesindesiniz
waitlisted-place = { $position ->
        [0] Tüm yerler dolu. Bir yer boşalırsa size e-posta göndereceğiz.
       *[other] Tüm yerler dolu. Sırada { $position }. kişisiniz; bir yer boşalırsa size e-posta göndereceğiz.
    }
confirm-incomplete = Onay e-postanızdaki bağlantının tamamını açın; bazı e-posta programları uzun bağlantıları keser.
confirm-invalid = Onay bağlantısı bilinmiyor veya değiştirilmiş. Son onay e-postanızdaki bağlantıyı açın ya da yeni bir bağlantı almak için yeniden kaydolun.
confirm-started = Onaylama, webinar başladığında kapandı.
confirm-cross-site-heading = Lütfen e-postanızdaki bağlantıdan onaylayın
confirm-cross-site = Bu istek başka bir siteden geldi. Onay e-postanızdaki bağlantıyı açın ve oradaki düğmeye basın.
confirm-failed-heading = Kaydınızı şu anda onaylayamadık

cancel-pending-heading = Bu kayıt iptal edilsin mi?
cancel-pending = Bu webinara kaydolmadıysanız veya artık katılmak istemiyorsanız buradan iptal edin: kaydı ve içerdiği tüm bilgileri sileriz.
cancel-waitlisted-heading = Bekleme listesinden çıkmak istiyor musunuz?
cancel-waitlisted = Artık katılamayacaksanız buradan iptal edin. Bu webinar hakkında size başka e-posta göndermeyeceğiz.
cancel-confirmed-heading = Kaydınızı iptal etmek istiyor musunuz?
cancel-confirmed = Artık katılamayacaksanız, yerinizin bekleme listesindeki bir sonraki kişiye geçmesi için buradan iptal edin. Bu webinar hakkında size başka e-posta göndermeyeceğiz.
cancel-button = Kaydımı iptal et
cancelled-heading = Kaydınız iptal edildi
cancelled-already = Kayıt zaten iptal edilmişti; yapmanız gereken başka bir şey yok.
cancelled-now = Bize haber verdiğiniz için teşekkür ederiz: yeriniz bekleme listesindeki bir sonraki kişiye geçiyor.
cancelled-deleted = Kaydı ve içerdiği tüm bilgileri sildik.
cancel-no-more-email = Bu webinar hakkında size başka e-posta göndermeyeceğiz. Kayıtlar açık olduğu sürece yeniden kaydolabilirsiniz.
cancel-incomplete = E-postanızdaki iptal bağlantısının tamamını açın; bazı e-posta programları uzun bağlantıları keser.
cancel-invalid = İptal bağlantısı bilinmiyor veya değiştirilmiş ya da kayıt zaten silinmiş. Bu webinar hakkındaki son e-postanızdaki bağlantıyı açın.
cancel-started = Webinar başladıktan sonra kayıtlar artık iptal edilemez.
cancel-cross-site-heading = Lütfen e-postanızdaki bağlantıdan iptal edin
cancel-cross-site = Bu istek başka bir siteden geldi. E-postanızdaki iptal bağlantısını açın ve oradaki düğmeye basın.
cancel-failed-heading = Kaydınızı şu anda iptal edemedik
cancel-open-link = E-postanızdaki iptal bağlantısını açın.
cancel-open-link-button = E-postanızdaki iptal bağlantısını açın ve oradaki düğmeye basın.
