export { OverviewContent } from './OverviewContent';
export { GitopsPage } from './GitopsPage';
