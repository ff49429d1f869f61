export { EntityTimeline } from './EntityTimeline';
