/** Package assets: the service icon (SPEC §C.6, IB-013). */
export {
  ICON_MAX_BYTES,
  ICON_MIN_PX,
  ICON_WARNING_BYTES,
  inspectIcon,
  type IconFormat,
  type IconInspection,
  type IconIssue,
} from './icon.js';
