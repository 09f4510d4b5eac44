export const LIMITS = {
  complaintDescription: { min: 5, max: 1000 },
  snapDescription: { max: 200 },
  mediaPerReport: { snapMin: 1, max: 9 },
  mediaBytes: 10 * 1024 * 1024,
  previewMaxEdge: 480,
  /** How many reports one page of 我的诉求 carries. */
  pageSize: 20,
} as const;

export const ACCEPTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AcceptedImageType = (typeof ACCEPTED_IMAGE_TYPES)[number];
