export { StatsHistory } from './history';
export { toPoint, type StatsPoint } from './point';
export { StatsMonitor, type StatsMonitorOptions } from './statsMonitor';
export { chooseShown, type ChooseOptions } from './choose';
