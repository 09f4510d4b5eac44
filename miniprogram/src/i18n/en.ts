import type { Dict } from './zh-CN';

/**
 * Every key of the Chinese texts, optional; plus English singulars. Chinese has one form for any number, English
 * says "1 report" but "2 reports": i18next picks `<key>_one` for a count of 1 (Intl.PluralRules), else `<key>`.
 */
type DeepPartialStrings<T> = { [K in keyof T]?: T[K] extends string ? string : DeepPartialStrings<T[K]> } & { [K in `${string}_one`]?: string };

/** English texts. A missing key falls back to Chinese (i18next fallbackLng), never to the key itself. */
export const en: DeepPartialStrings<Dict> = {
  tabs: { home: 'Home', mine: 'My reports' },
  titles: {
    home: 'Suishenpai · 12345', tickets: 'My reports', complaint: 'Report a problem', snap: 'Snap a problem', success: 'Report sent', detail: 'Report details', messages: 'Messages', login: 'Sign in', profile: 'Personal data',
  },
  common: {
    loading: 'Loading…', noMore: 'No more', retryTap: '{{error}} — tap to retry', cancel: 'Cancel', submit: 'Submit', back: 'Back to home',
    networkFailed: 'No connection; check your network and try again', serviceDown: 'The service is unavailable, please try again later', loadFailed: 'Could not load, please retry', actionFailed: 'That did not work, please retry',
    needLogin: 'Please sign in first', uploadFailed: 'Upload failed, please retry', uploadNetwork: 'Unstable network: the photo was not uploaded',
    uploadInterrupted: 'Upload interrupted, please retry', submitInterrupted: 'The last send did not finish: please send again (it will not be filed twice)', noSuggestion: 'No category suggestion right now',
    listSep: ', ', kindSnap: 'Snap a problem', kindComplaint: 'Report a problem', yes: 'Yes', no: 'No',
    pickerColumn: 'Choose (column {{n}} of {{columns}})', pickerChoose: 'Choose',
  },
  home: {
    title: 'Suishenpai · 12345 Citizen Hotline', sub: 'See a problem nearby? Report it in a minute and follow it to the end',
    draftWaiting: 'You have an unsent draft — tap to continue',
    complaint: 'Report a problem', complaintDesc: 'Describe it, add photos if you like; handled by the 12345 hotline',
    snap: 'Snap a problem', snapDesc: 'Take a photo, the location fills itself in, send in three steps',
    mine: 'My reports', mineDesc: 'Follow progress, add information, rate the result',
    messages: 'Messages', messagesDesc: 'Updates when your report is accepted, assigned, resolved', unread: '{{count}} unread messages', unread_one: '{{count}} unread message',
    staff: 'You are signed in as staff — tap to open the console',
    staffEntry: 'Staff sign-in',
    emergency: 'In an emergency call 110 / 119 / 120. For other matters you can also call the 12345 hotline.',
    call12345: 'Call the 12345 hotline', zones: 'Themed sections',
    elderOn: 'Large-text mode', elderOff: 'Standard mode', elderSwitch: 'Large-text mode (bigger, simpler)', language: '中文', switchLanguage: 'Switch to Chinese (中文)',
  },
  elder: { complaint: 'Tell us the problem', snap: 'Send a photo of the problem', mine: 'See how it is going' },
  privacy: {
    title: 'Privacy notice',
    body: 'To handle your report we collect: where the problem is (to send it to the district in charge), the photos you upload (place and device details are removed), and a phone number if you choose to give one (only for staff to check details). How long: photos and phone numbers stay with the report until you delete your personal data; photos uploaded but never sent are deleted within 24 hours; the reports themselves are kept as public-service records. You can download or delete your personal data at any time under "My reports → Personal data".',
    agree: 'Agree and continue', refuse: 'Disagree', refusedHint: 'You can keep location and camera off: type the address and send without photos.', change: 'Read the privacy notice again',
  },
  form: {
    whatProblem: 'What is the problem?',
    descPlaceholder: 'When and where does it happen, and what exactly? E.g. the building site next to our estate works after 10 pm every night and is very loud.',
    chosen: 'Category: {{name}}', suggested: 'Suggested category: {{name}}', use: 'Use it',
    danger: 'If anyone is in danger, call 110 / 119 / 120 now.',
    photosOptional: 'Photos (optional)', where: 'Where is it?', contact: 'Contact',
    phoneLabel: 'Phone (optional)', phonePlaceholder: 'So staff can call you to check details', phoneHint: 'Used only for this report; pages show only part of it',
    anonymous: 'Report anonymously', anonymousHint: 'The department handling it will not see who you are',
    description: 'Description', questions: 'A few questions', zone: 'Section: {{title}}',
    snapTitle: 'Take a photo', snapWhere: 'Location', whatIsIt: 'What is it? (optional)', notSure: 'Not sure? Leave it, staff will sort it',
    oneLine: 'A short note (optional)', oneLinePlaceholder: 'E.g. loose paving stones on the pavement',
    uploading: 'Photos are uploading, please wait', uploadFailedSome: 'A photo failed to upload: retry or remove it',
    category: 'Category', chooseCategory: 'Choose a category',
  },
  fields: { description: 'description', mediaIds: 'photos', location: 'location', contactPhone: 'phone', answers: 'questions', categoryCode: 'category' },
  emergency: {
    title: 'An emergency? Call first', call: 'Call {{label}} now', hint: 'You can still send your report; the department will follow up.',
    n119: 'fire 119', n120: 'ambulance 120', n110: 'police 110', n962777: 'gas emergency 962777',
  },
  submit: {
    similarTitle: 'Already reported nearby', similarHint: 'A similar report within 200 m from the last 7 days is being handled. Join it to get its updates instead of filing again.',
    distance: '{{status}} · about {{meters}} m', place: '{{status}} · {{place}}', others: '{{count}} residents reported it', others_one: '{{count}} resident reported it', join: 'Same problem — follow it (+1)', anyway: 'Not the same — send mine',
    notSent: 'Not sent: ', draftSafe: '. Your draft is saved; retrying is safe and never files twice.',
    submitting: 'Sending…', resubmit: 'Send again', submit: 'Send report', missing: 'Still needed: {{fields}}', saved: 'Your draft is saved on this device',
  },
  question: { textPlaceholder: 'Type here', numberPlaceholder: 'Enter a number', required: ' (required)', yes: 'Yes', no: 'No' },
  location: {
    locating: 'Finding your location…', coords: 'Coordinates {{lat}}, {{lon}}', typeAddress: 'Please type the address', outside: 'Outside Shanghai: staff will route it',
    accuracy: ' accurate to about {{meters}} m', detailRequired: 'Please type the exact address of the problem', detailOptional: 'Add a building or floor number (optional)',
    addressPlaceholder: 'E.g. east side of 200 People’s Avenue, Huangpu', addressLabel: 'Address', relocate: 'Locate again', onMap: 'Pick on map', openSettings: 'Turn on location',
    denied: 'No permission to use your location: please type the address', unavailable: 'Location is not available right now: please type the address',
  },
  photos: { failed: 'Upload failed', retry: 'Tap to retry', remove: 'Remove photo', add: 'Camera / album', addLabel: 'Add photos', camera: 'Take a photo', album: 'Choose from album', hint: 'Up to {{max}} photos; they are compressed and place details removed', photo: 'Photo {{n}}',
    notPhotoTitle: 'Not added', notPhoto: 'The file you chose is not a photo, so it was not added. Please choose a JPG, PNG or WebP photo.', notPhotoSome: '{{count}} of the files are not photos and were not added; the other photos were added.',
    notPhotoSome_one: '{{count}} of the files is not a photo and was not added; the other photos were added.', notPhotoOk: 'OK' },
  success: {
    title: 'Report sent', ticketNo: 'Ticket number', next: 'What happens next',
    step1: '1. The 12345 hotline checks and accepts it, usually within one working day.', step2: '2. It then goes to the department in your district, with a deadline.', step3: '3. When it is resolved you get a reply and can rate the result.',
    follow: 'Follow it any time under "My reports"; every step also appears under "Messages" on the home page.',
    wechat: 'WeChat notifications', wechatHint: 'Allow them to be told in WeChat when it is accepted, assigned and resolved (one message per permission).',
    subscribeRetry: 'Did not work — tap to retry', subscribe: 'Notify me of progress', notAllowed: 'You did not allow WeChat messages; progress still appears under "Messages".',
    subscribed: 'Done — you will be told in WeChat when there is progress', view: 'See progress',
  },
  tickets: {
    following: 'Following ({{count}})', othersReported: '{{category}} · {{count}} residents reported it', othersReported_one: '{{category}} · {{count}} resident reported it', mine: 'Sent by me', snapFallback: 'Photo report',
    empty: 'You have not reported anything yet', profile: 'Personal data', settings: 'Settings',
  },
  detail: {
    alreadyFiled: 'Your earlier submission went through: ticket {{ticketNo}}. Nothing was filed twice.',
    editKept: 'Your latest changes were not sent yet; they are in "Add information" below — check them and tap Submit.',
    joined: 'Joined! ', followerNote: 'Another resident filed this report; you follow it and will be told of progress.', merged: 'Handled together with {{ticketNo}} — tap to see its progress ›',
    filedAt: '{{kind}} · sent {{time}}', supporters: '{{count}} more residents reported the same problem', supporters_one: '{{count}} more resident reported the same problem', description: 'Description', noText: '(no description)', followerHidden: '(only the person who filed it can see the description)',
    place: 'Location', notGiven: 'Not given', manual: 'District to be decided by staff', yourCategory: 'Your category: {{name}}', phone: 'Phone: {{phone}}', anonymous: 'Anonymous',
    handling: 'Handling', department: 'Department: {{name}}', due: 'Due by {{time}}', myRating: 'My rating: {{rating}}', progress: 'Progress', answers: 'Answers', answerLine: '{{question}}: {{answer}}', zone: 'Section: {{title}}',
    ratings: { satisfied: 'Satisfied', basically_satisfied: 'Mostly satisfied', unsatisfied: 'Not satisfied' },
  },
  actions: {
    urgeFrom: 'You can send a reminder from {{time}} (24 hours after filing or once the deadline has passed, whichever is first)',
    title: 'I can', rate: 'Rate', reopen: 'Reopen', urge: 'Send a reminder', supplement: 'Add information', withdraw: 'Withdraw',
    urged: 'Reminder sent', thanks: 'Thank you for rating', rateText: 'How was it handled? (optional)', reopenHint: 'If you choose "Not satisfied" you can ask for it to be reopened within 7 days.', sendRating: 'Send rating',
    withdrawReason: 'Why are you withdrawing it?', reopenReason: 'What is still not solved?', supplementText: 'More information', withdrawn: 'Withdrawn', reopened: 'Reopen requested', supplemented: 'Added',
  },
  timeline: { citizen: 'Me', system: 'System', admin: 'Staff', pipeline: 'Department' },
  messages: { unread: '{{count}} unread', markAll: 'Mark all as read', empty: 'No messages yet. You will be told when your reports move on.' },
  login: {
    citizen: 'Resident sign-in', localNote: 'Local try-out sign-in: for development and demos, with a simulated WeChat identity. In production use the WeChat mini-program.', local: 'Local try-out sign-in',
    staff: 'Staff sign-in', username: 'User name', password: 'Password', login: 'Sign in', failed: 'Sign-in failed, please retry',
  },
  profile: {
    title: 'Personal data', what: 'What we hold about you', reports: '{{count}} reports', phones: '{{count}} phone numbers given', photos: '{{count}} photos', subscriptions: '{{count}} message subscriptions',
    reports_one: '{{count}} report', phones_one: '{{count}} phone number given', photos_one: '{{count}} photo', subscriptions_one: '{{count}} message subscription',
    download: 'Download my personal data (JSON)', downloaded: 'File ready', delete: 'Delete my personal data',
    deleteExplain: 'This deletes your phone numbers, photos, subscriptions and account, and cuts the link between you and your reports. The reports stay, anonymised, as public records; open ones are still handled to the end. This cannot be undone.',
    confirm1: 'Delete your personal data?', confirm2: 'Please confirm again: this cannot be undone.', confirmWord: 'Delete', deleted: 'Your personal data has been deleted', elder: 'Large-text mode', language: 'Language',
  },
};
