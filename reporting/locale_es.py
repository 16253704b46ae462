# ruff: noqa: E501  (translations are data: one line per string reads best)
"""The Spanish strings of the tip line, kept as data; ``scripts/tips_messages.sh`` writes them into
``reporting/locale/es/LC_MESSAGES/django.po`` (and compiles the .mo, committed: CI may lack gettext)."""

ES = {
    "The file is too large: at most %(mb)d MB.": "El archivo es demasiado grande: como máximo %(mb)d MB.",
    "At most %(mb)d MB. Allowed: %(types)s.": "Como máximo %(mb)d MB. Se aceptan: %(types)s.",
    "Files of this type cannot be uploaded. Allowed: %(types)s.":
        "No se pueden subir archivos de este tipo. Se aceptan: %(types)s.",
    "The file is empty.": "El archivo está vacío.",
    "Web pages and SVG drawings cannot be uploaded. Save it as PDF or PNG first.":
        "No se pueden subir páginas web ni dibujos SVG. Guárdelo primero como PDF o PNG.",
    "The file's content is not a .%(ext)s file. Check that you chose the right file.":
        "El contenido del archivo no es un archivo .%(ext)s. Compruebe que eligió el archivo correcto.",
    "This PDF contains scripts, links that run actions, attachments or interactive content. Print it to a new PDF "
    "and upload that.": "Este PDF contiene scripts, enlaces que ejecutan acciones, adjuntos o contenido interactivo. "
                        "Imprímalo en un PDF nuevo y suba ese.",
    "This PDF is protected by a password. Save it without the password and upload that.":
        "Este PDF está protegido con contraseña. Guárdelo sin contraseña y suba ese.",
    "This PDF could not be read: it is damaged or not a PDF. Print it to a new PDF and upload that.":
        "No se pudo leer este PDF: está dañado o no es un PDF. Imprímalo en un PDF nuevo y suba ese.",
    "The file's content is not plain text.": "El contenido del archivo no es texto simple.",
    "The document unpacks to far more than its size; it cannot be uploaded.":
        "El documento se descomprime en mucho más que su tamaño; no se puede subir.",
    "Documents with macros cannot be uploaded. Save it without macros first.":
        "No se pueden subir documentos con macros. Guárdelo primero sin macros.",
    "The image is too large: at most %(mp)d megapixels.": "La imagen es demasiado grande: como máximo %(mp)d megapíxeles.",
    "The image could not be read. It may be damaged; try saving it again.":
        "No se pudo leer la imagen. Puede estar dañada; intente guardarla de nuevo.",
    "No such record.": "No existe ese registro.",
    "This record has no file.": "Este registro no tiene archivo.",
    "The file is missing from storage. Ask your administrator.": "Falta el archivo en el almacenamiento. Consulte a su administrador.",
    "At most %(n)d files.": "Como máximo %(n)d archivos.",
    "Remove the control characters from this text.": "Quite los caracteres de control de este texto.",
    "Which school is this about?": "¿De qué escuela se trata?",
    "I'm not sure / more than one": "No estoy seguro/a / más de una",
    "What is it about?": "¿De qué se trata?",
    "Choose one": "Elija una opción",
    "Choose what the tip is about.": "Elija de qué se trata el aviso.",
    "Choose what the tip is about from the list.": "Elija de la lista de qué se trata el aviso.",
    "What happened, or what do you know?": "¿Qué pasó o qué sabe?",
    "Tell us what happened or what you know.": "Cuéntenos qué pasó o qué sabe.",
    "When? (optional)": "¿Cuándo? (opcional)",
    "For example: today at lunch, next Friday, every day after school.":
        "Por ejemplo: hoy en el almuerzo, el próximo viernes, todos los días después de clases.",
    "Where? (optional)": "¿Dónde? (opcional)",
    "For example: the gym, the bus, online (which app).": "Por ejemplo: el gimnasio, el autobús, en línea (qué aplicación).",
    "Who is involved? (optional)": "¿Quién está involucrado? (opcional)",
    "Photos or files (optional, up to 5)": "Fotos o archivos (opcional, hasta 5)",
    "Your name (optional)": "Su nombre (opcional)",
    "Your email (optional)": "Su correo electrónico (opcional)",
    "Enter a valid email address, or leave it empty.": "Escriba un correo electrónico válido o déjelo vacío.",
    "Your phone (optional)": "Su teléfono (opcional)",
    "Leave this field empty": "Deje este campo vacío",
    "A phone number has digits, spaces and + - ( ) only.": "Un número de teléfono solo tiene dígitos, espacios y + - ( ).",
    "Tip code": "Código del aviso",
    "Enter your tip code.": "Escriba su código del aviso.",
    "Passphrase": "Frase de acceso",
    "Enter your passphrase.": "Escriba su frase de acceso.",
    "Add information or answer the team": "Agregue información o responda al equipo",
    "Write your message first.": "Escriba primero su mensaje.",
    "Message to the tipster": "Mensaje para quien envió el aviso",
    "The tipster sees this when they come back with their tip code.":
        "Quien envió el aviso lo verá cuando vuelva con su código.",
    "Write the message first.": "Escriba primero el mensaje.",
    "Internal note": "Nota interna",
    "Only the team sees notes; the tipster never does.": "Solo el equipo ve las notas; quien envió el aviso nunca.",
    "Write the note first.": "Escriba primero la nota.",
    "Status": "Estado",
    "Outcome (when closing)": "Resultado (al cerrar)",
    "Assigned to": "Asignado a",
    "Nobody yet": "Nadie todavía",
    "Choose the outcome to close the tip.": "Elija el resultado para cerrar el aviso.",
    "Choose a person to email, a webhook address, or both.": "Elija una persona a quien escribir, una dirección webhook, o ambas.",
    "district": "distrito",
    "tip line is on": "la línea de avisos está activa",
    "When off, the public page says how else to report.": "Si está inactiva, la página pública indica otras formas de avisar.",
    "minutes before the next level is notified": "minutos antes de avisar al siguiente nivel",
    "A life-safety tip nobody has acknowledged after this many minutes goes to the next level.":
        "Un aviso de riesgo para la vida que nadie haya confirmado en estos minutos pasa al siguiente nivel.",
    "target for acknowledging a life-safety tip (minutes)": "meta para confirmar un aviso de riesgo para la vida (minutos)",
    "years closed tips are kept": "años que se guardan los avisos cerrados",
    "After this, a closed tip's text, messages and files are erased; the counts remain.":
        "Después, se borran el texto, los mensajes y los archivos de un aviso cerrado; los conteos se mantienen.",
    "last successful test of the chain": "última prueba exitosa de la cadena",
    "tip line settings": "configuración de la línea de avisos",
    "Tip line of %(district)s": "Línea de avisos de %(district)s",
    "name": "nombre",
    "name in Spanish": "nombre en español",
    "life safety": "riesgo para la vida",
    "Tips in this category notify the on-call chain at once, day and night.":
        "Los avisos de esta categoría alertan de inmediato a la cadena de guardia, de día y de noche.",
    "order on the form": "orden en el formulario",
    "offered on the form": "se ofrece en el formulario",
    "tip category": "categoría de aviso",
    "tip categories": "categorías de aviso",
    "New": "Nuevo",
    "Acknowledged": "Confirmado",
    "In progress": "En curso",
    "Referred": "Derivado",
    "Closed": "Cerrado",
    "Resolved": "Resuelto",
    "Unfounded": "Sin fundamento",
    "False report": "Aviso falso",
    "Duplicate": "Duplicado",
    "Referred to law enforcement": "Derivado a las fuerzas del orden",
    "Referred to the threat assessment team (BTAM)": "Derivado al equipo de evaluación de amenazas (BTAM)",
    "Referred to counseling": "Derivado a orientación",
    "school": "escuela",
    "Empty: the tipster was not sure.": "Vacío: quien envió el aviso no estaba seguro/a.",
    "category": "categoría",
    "what happened": "qué pasó",
    "when": "cuándo",
    "where": "dónde",
    "who is involved": "quién está involucrado",
    "tip code": "código del aviso",
    "language": "idioma",
    "email": "correo electrónico",
    "phone": "teléfono",
    "status": "estado",
    "outcome": "resultado",
    "test tip": "aviso de prueba",
    "Sent by staff to test the on-call chain; left out of the metrics.":
        "Enviado por el personal para probar la cadena de guardia; no cuenta en las métricas.",
    "assigned to": "asignado a",
    "received": "recibido",
    "acknowledged": "confirmado",
    "acknowledged by": "confirmado por",
    "closed": "cerrado",
    "erased": "borrado",
    "tip": "aviso",
    "tips": "avisos",
    "Tip %(code)s": "Aviso %(code)s",
    "This school belongs to another district.": "Esta escuela pertenece a otro distrito.",
    "This category belongs to another district.": "Esta categoría pertenece a otro distrito.",
    "Tipster": "Quien avisa",
    "Team": "Equipo",
    "from": "de",
    "written by": "escrito por",
    "message": "mensaje",
    "sent": "enviado",
    "tip message": "mensaje del aviso",
    "tip messages": "mensajes del aviso",
    "Message on %(tip)s": "Mensaje en %(tip)s",
    "note": "nota",
    "written": "escrita",
    "internal note": "nota interna",
    "internal notes": "notas internas",
    "Note on %(tip)s": "Nota en %(tip)s",
    "file": "archivo",
    "file name": "nombre del archivo",
    "tip attachment": "archivo del aviso",
    "tip attachments": "archivos del aviso",
    "by": "por",
    "what": "qué",
    "detail": "detalle",
    "tip activity": "actividad del aviso",
    "level": "nivel",
    "Who or what this is, e.g. the on-call principal or the district's pager.":
        "Quién o qué es, por ejemplo el director de guardia o el localizador del distrito.",
    "person (email)": "persona (correo electrónico)",
    "webhook address": "dirección webhook",
    "An https address of your SMS or paging gateway. It receives a link to the tip, signed, never the tip's text.":
        "Una dirección https de su pasarela de SMS o localizadores. Recibe un enlace al aviso, firmado, nunca su texto.",
    "active": "activo",
    "on-call contact": "contacto de guardia",
    "on-call contacts": "contactos de guardia",
    "Email": "Correo electrónico",
    "Webhook": "Webhook",
    "Pending": "Pendiente",
    "Sending": "Enviando",
    "Sent": "Enviado",
    "Failed": "Fallido",
    "contact": "contacto",
    "notice": "alerta",
    "channel": "canal",
    "created": "creado",
    "escalation notice": "alerta de escalamiento",
    "escalation notices": "alertas de escalamiento",
    "No tip matches this tip code and passphrase. Check both and try again.":
        "Ningún aviso coincide con este código y esta frase de acceso. Revise ambos e inténtelo de nuevo.",
    "Received: the team has not opened it yet.": "Recibido: el equipo todavía no lo ha abierto.",
    "Closed: the team has finished working on this tip.": "Cerrado: el equipo terminó de trabajar en este aviso.",
    "Passed on to the people who can act on it.": "Pasado a las personas que pueden actuar.",
    "The team is working on it.": "El equipo está trabajando en ello.",
    "What “anonymous” means here": "Qué significa «anónimo» aquí",
    "We do not record your internet address, your device or your browser, and this page sets no cookie except one "
    "that protects the form.": "No registramos su dirección de internet, su dispositivo ni su navegador, y esta "
                               "página no guarda ninguna cookie salvo una que protege el formulario.",
    "Unless you give your name or contact details, nobody can tell who sent the tip: not the school, not the "
    "district.": "A menos que dé su nombre o sus datos de contacto, nadie puede saber quién envió el aviso: ni la "
                 "escuela ni el distrito.",
    "Photos are cleaned of hidden details such as location before they are stored.":
        "Las fotos se limpian de datos ocultos, como la ubicación, antes de guardarse.",
    "Your tip is read only by the district's tip team and the people it is passed to.":
        "Su aviso solo lo leen el equipo de avisos del distrito y las personas a quienes se lo pasen.",
    "After sending, you get a tip code and a passphrase. They are the only way to see replies and add information, "
    "so keep them safe.": "Al enviarlo, recibirá un código y una frase de acceso. Son la única forma de ver las "
                          "respuestas y agregar información, así que guárdelos bien.",
    "fewer than 10": "menos de 10",
    "Tips received": "Avisos recibidos",
    "Median time to first acknowledgement (minutes)": "Tiempo mediano hasta la primera confirmación (minutos)",
    "Median for life-safety tips (minutes)": "Mediana para avisos de riesgo para la vida (minutos)",
    "Tips with a two-way conversation": "Avisos con conversación en ambos sentidos",
    "Closed tips found to be false reports": "Avisos cerrados que resultaron falsos",
    "Tips by category": "Avisos por categoría",
    "Category": "Categoría",
    "Tips": "Avisos",
    "No tips in this period.": "No hay avisos en este período.",
    "Tips by month": "Avisos por mes",
    "Month": "Mes",
    "Outcomes of closed tips": "Resultados de los avisos cerrados",
    "Outcome": "Resultado",
    "No closed tips in this period.": "No hay avisos cerrados en este período.",
    "Check a tip you already sent": "Revisar un aviso que ya envió",
    "Enter the tip code and passphrase you were given when you sent the tip.":
        "Escriba el código y la frase de acceso que recibió al enviar el aviso.",
    "Too many wrong tries. Please wait 15 minutes and try again.":
        "Demasiados intentos incorrectos. Espere 15 minutos e inténtelo de nuevo.",
    "Open my tip": "Abrir mi aviso",
    "Anonymous tip line": "Línea de avisos anónimos",
    "Skip to main content": "Saltar al contenido principal",
    "Is someone in danger right now?": "¿Alguien está en peligro ahora mismo?",
    'Call <a href="tel:911" class="alert-link">911</a> now. This tip line is not watched every second.':
        'Llame al <a href="tel:911" class="alert-link">911</a> ahora. Esta línea de avisos no se vigila a cada '
        'segundo.',
    'Thinking about suicide, or worried about someone who is? Call or text <a href="tel:988" class="alert-link">988'
    '</a>, the Suicide &amp; Crisis Lifeline, any time, free.':
        '¿Piensa en el suicidio o le preocupa alguien que lo hace? Llame o envíe un mensaje de texto al '
        '<a href="tel:988" class="alert-link">988</a>, la Línea de Prevención del Suicidio y Crisis, a cualquier '
        'hora, gratis.',
    "Run by your school district on its own server. Nothing on this page comes from another website.":
        "La administra su distrito escolar en su propio servidor. Nada de esta página viene de otro sitio web.",
    "Choose your school district.": "Elija su distrito escolar.",
    "Send a tip in English": "Enviar un aviso en inglés",
    "No district has switched its tip line on yet. In an emergency, call 911.":
        "Ningún distrito ha activado todavía su línea de avisos. En una emergencia, llame al 911.",
    "Tip line summary %(year)s": "Resumen de la línea de avisos %(year)s",
    "Year": "Año",
    "Show": "Mostrar",
    "To protect the people involved, any number below 10 is shown as “fewer than 10”.":
        "Para proteger a las personas involucradas, cualquier número menor que 10 aparece como «menos de 10».",
    "Send a tip": "Enviar un aviso",
    "This district's online tip line is switched off. Tell a trusted adult at school, or in an emergency call 911.":
        "La línea de avisos en línea de este distrito está desactivada. Hable con un adulto de confianza en la "
        "escuela o, en una emergencia, llame al 911.",
    "Tell the district what you saw or heard. You do not have to give your name.":
        "Cuéntele al distrito lo que vio u oyó. No tiene que dar su nombre.",
    "Too many tips have been sent from this connection in the last hour. Please wait and try again, or call 911 in "
    "an emergency.": "Se enviaron demasiados avisos desde esta conexión en la última hora. Espere e inténtelo de "
                     "nuevo o, en una emergencia, llame al 911.",
    "Please correct the errors below.": "Corrija los errores indicados abajo.",
    "Your tip": "Su aviso",
    "How to reach you (optional)": "Cómo contactarle (opcional)",
    "Leave these empty to stay anonymous. If you fill them in, the tip team can see them and may contact you.":
        "Déjelos vacíos para seguir en el anonimato. Si los completa, el equipo de avisos podrá verlos y "
        "contactarle.",
    "Send the tip": "Enviar el aviso",
    "How the tip line did this year": "Cómo funcionó la línea de avisos este año",
    "Tip sent": "Aviso enviado",
    "Thank you. Your tip was sent.": "Gracias. Su aviso fue enviado.",
    "Because someone's safety may be at risk, the district's on-call team is being alerted now.":
        "Como la seguridad de alguien puede estar en riesgo, se está alertando ahora al equipo de guardia del "
        "distrito.",
    "Write these down now": "Anótelos ahora",
    "They are shown only this once. We cannot show them again or recover them, because we do not know who you are.":
        "Se muestran solo esta vez. No podemos volver a mostrarlos ni recuperarlos, porque no sabemos quién es "
        "usted.",
    "With them you can come back from any device to see what the team says, answer their questions and add "
    "information.": "Con ellos puede volver desde cualquier dispositivo para ver lo que dice el equipo, responder "
                    "sus preguntas y agregar información.",
    "Sent on %(date)s.": "Enviado el %(date)s.",
    "In an emergency, call 911. For a crisis, call or text 988.":
        "En una emergencia, llame al 911. En una crisis, llame o envíe un texto al 988.",
    "Where it stands:": "En qué punto está:",
    "Thank you: your information was added to the tip.": "Gracias: su información se agregó al aviso.",
    "Conversation with the team": "Conversación con el equipo",
    "This tip was closed long ago and its details have been erased.":
        "Este aviso se cerró hace tiempo y sus detalles se borraron.",
    "You wrote": "Usted escribió",
    "The team wrote": "El equipo escribió",
    "No reply from the team yet. Come back later with your tip code and passphrase.":
        "El equipo todavía no ha respondido. Vuelva más tarde con su código y su frase de acceso.",
    "Add information": "Agregar información",
    "Send": "Enviar",
}
