## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = Тело запроса составлено неверно
problem-malformed-body-detail = Отправьте объект JSON или форму в кодировке URL, в UTF-8.
problem-registration-closed-title = Регистрация закрыта
problem-registration-closed-detail = Регистрация на это мероприятие закрыта.
problem-registration-not-open-title = Регистрация ещё не открыта
problem-registration-not-open-detail = Регистрация на эту программу ещё не открыта. Пожалуйста, вернитесь, когда она откроется.
problem-already-registered-title = Этот адрес электронной почты уже зарегистрирован
problem-already-registered-detail = Этот адрес электронной почты уже зарегистрирован на это мероприятие. Если Вы ещё не подтвердили регистрацию, проверьте почту: мы повторно отправили ссылку для подтверждения, если не отправляли её в последние десять минут.
problem-payload-too-large-title = Тело запроса слишком велико
problem-payload-too-large-detail = Тело запроса должно быть не больше 16 КиБ.
problem-unsupported-media-type-title = Неподдерживаемый тип содержимого
problem-unsupported-media-type-detail = Отправьте application/json или application/x-www-form-urlencoded в UTF-8.
problem-validation-title = Некоторые поля заполнены неверно
problem-validation-detail = Одно или несколько полей заполнены неверно; см. errors.
problem-too-many-requests-title = Слишком много регистраций из Вашей сети
problem-too-many-requests-detail = За последний час из Вашей сети поступило слишком много регистраций. Пожалуйста, повторите попытку позже.
problem-internal-title = На нашей стороне произошла ошибка
problem-internal-detail = Пожалуйста, повторите попытку позже.
problem-unavailable-title = Сервис временно недоступен
problem-unavailable-detail = Пожалуйста, повторите попытку через несколько минут.
problem-not-found-title = Не найдено
problem-not-found-detail = По этому адресу ничего нет.
problem-method-not-allowed-title = Метод не разрешён
problem-method-not-allowed-detail = Этот адрес не принимает такой метод.
problem-cross-site-title = Этот запрос пришёл с другого сайта
problem-cross-site-detail = Этот запрос могут отправлять только страницы этого сайта. Откройте ссылку из письма и нажмите кнопку на открывшейся странице.
problem-missing-token-title = В ссылке нет токена
problem-missing-token-detail = Отправьте токен из ссылки в письме.
problem-unknown-token-title = Эта ссылка недействительна
problem-unknown-token-detail = Токен неизвестен или был изменён. Воспользуйтесь ссылкой из последнего письма.
problem-event-started-title = Вебинар уже начался
problem-event-started-detail = После начала вебинара регистрацию изменить нельзя.
