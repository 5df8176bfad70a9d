import { defineProblems } from '@eduspry/common';
import { BUS_ADMIN_PROBLEMS } from '@eduspry/event-bus';

/** Every problem content-service answers (the kit's included): the README lists each one. */
export const problems = defineProblems({
  ...BUS_ADMIN_PROBLEMS,
  'file-not-found': { status: 404, title: 'File not found' },
  'item-locked': { status: 403, title: 'Item locked' },
  'not-course-staff': { status: 403, title: 'Not staff of this course' },
  'media-type-not-allowed': { status: 415, title: 'Media type not allowed' },
  'file-too-large': { status: 413, title: 'File too large' },
  'quota-exceeded': { status: 413, title: 'Storage quota exceeded' },
  'upload-incomplete': { status: 400, title: 'Upload incomplete' },
  'range-not-satisfiable': { status: 416, title: 'Range Not Satisfiable' },
  'invalid-signature': { status: 403, title: 'Invalid or expired signature' },
  'course-service-unavailable': { status: 503, title: 'Course service unavailable' },
});
